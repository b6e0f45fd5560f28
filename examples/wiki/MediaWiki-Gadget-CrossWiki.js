/**
 * CrossWiki: helpers shared with other wikis.
 * Pulls the shared core from Meta (first party, but it moves trust to a page
 * on another wiki), a local settings page, and optional lookups.
 */
( function () {
	'use strict';

	// Shared core, maintained on Meta-Wiki.
	mw.loader.load( '//meta.wikimedia.org/w/index.php?title=User:Example/crosswiki-core.js&action=raw&ctype=text/javascript' );

	// Local settings page on this wiki.
	importScript( 'MediaWiki:Gadget-CrossWiki-settings.js' );

	// Interlanguage lookups go to a third-party index, only for users who
	// switched the option on in their preferences.
	if ( mw.user.options.get( 'userjs-crosswiki-lookups' ) === '1' ) {
		$.ajax( {
			url: 'https://index.example.net/lookup',
			data: { title: mw.config.get( 'wgPageName' ) },
			dataType: 'jsonp'
		} );
	}

	// A mirror chosen by the user: the host is only known at run time.
	function loadFromMirror( mirror ) {
		mw.loader.load( 'https://' + mirror + '/crosswiki/extra.js' );
	}

	mw.util.addPortletLink( 'p-tb', '#', 'Load extras from mirror', 't-crosswiki-mirror' );
	$( '#t-crosswiki-mirror' ).on( 'click', function ( e ) {
		var mirror = window.prompt( 'Mirror host?' );
		e.preventDefault();
		if ( mirror && window.confirm( 'Load code from ' + mirror + '?' ) ) {
			loadFromMirror( mirror );
		}
	} );
}() );
