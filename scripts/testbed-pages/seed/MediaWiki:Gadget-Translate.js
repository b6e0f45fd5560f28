/**
 * Translate (opt-in): lists languages from an outside service on load (JSONP),
 * and sends the page text only after the reader clicks and confirms.
 */
mw.loader.using( [ 'mediawiki.util', 'mediawiki.api' ] ).then( function () {
	var API = 'https://translate.example.com/api/v2/';

	$.ajax( {
		url: API + 'languages',
		dataType: 'jsonp',
		jsonpCallback: 'translateGadgetLanguages'
	} ).done( function ( langs ) {
		mw.config.set( 'translateGadgetLanguages', langs );
	} );

	var link = mw.util.addPortletLink( 'p-tb', '#', 'Translate this page', 't-translate' );
	$( link ).on( 'click', function ( e ) {
		e.preventDefault();
		if ( !window.confirm( 'Send the text of this page to translate.example.com?' ) ) {
			return;
		}
		fetch( API + 'translate', {
			method: 'POST',
			body: JSON.stringify( { text: $( '#mw-content-text' ).text() } )
		} ).then( function ( r ) {
			return r.json();
		} ).then( function ( data ) {
			$( '#mw-content-text' ).prepend( $( '<div>' ).addClass( 'translated' ).text( data.text ) );
		} );
	} );
} );
