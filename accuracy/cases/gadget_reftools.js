/**
 * RefTools: shows a citation's details in a popup and offers to look up the
 * DOI in a public catalogue. Written the way long-lived gadgets are: ES5,
 * one IIFE, a config object, helpers, and the work behind a portlet link.
 */
( function ( $, mw ) {
	'use strict';

	var conf = mw.config.get( [ 'wgNamespaceNumber', 'wgAction', 'wgPageName' ] );
	var settings = $.extend( {
		catalogue: 'https://doi-catalogue.example.org/works/',
		delay: 300,
		icons: true
	}, window.refToolsSettings || {} );

	if ( conf.wgNamespaceNumber !== 0 || conf.wgAction !== 'view' ) {
		return;
	}

	function findDois( $content ) {
		var dois = [];
		$content.find( '.reference-text a.external' ).each( function () {
			var m = /doi\.org\/(10\.[^\s]+)/.exec( this.href );
			if ( m ) {
				dois.push( decodeURIComponent( m[ 1 ] ) );
			}
		} );
		return dois;
	}

	function showPopup( $ref, html ) {
		var $popup = $( '<div>' ).addClass( 'reftools-popup' ).html( html );
		$ref.after( $popup );
		setTimeout( function () {
			$popup.fadeOut( settings.delay );
		}, 5000 );
	}

	function lookup( doi ) {
		// The DOI is user content: the catalogue sees what the reader reads.
		return $.getJSON( settings.catalogue + encodeURIComponent( doi ) );
	}

	mw.hook( 'wikipage.content' ).add( function ( $content ) {
		var dois = findDois( $content );
		if ( !dois.length ) {
			return;
		}
		if ( settings.icons ) {
			// Local icon from Commons: first party.
			$content.find( '.reference' ).prepend( '<img class="reftools-icon" src="https://upload.wikimedia.org/wikipedia/commons/thumb/1/11/Doi.svg/16px-Doi.svg.png" alt="">' );
		}
		var link = mw.util.addPortletLink( 'p-tb', '#', 'Look up DOIs (' + dois.length + ')', 't-reftools' );
		$( link ).on( 'click', function ( e ) {
			e.preventDefault();
			$.each( dois, function ( i, doi ) {
				lookup( doi ).done( function ( data ) {
					showPopup( $content.find( '.reference' ).eq( i ), mw.html.escape( data.title || '' ) );
				} );
			} );
		} );
	} );

	new mw.Api().get( {
		action: 'query',
		prop: 'info',
		titles: conf.wgPageName
	} );
}( jQuery, mediaWiki ) );
