/**
 * HotTools: quick-edit helpers. On by default for everyone, logged out too.
 * Pulls its widget library and stylesheet from a public CDN.
 */
( function ( mw, $ ) {
	'use strict';

	var CDN = 'https://cdn.jsdelivr.example/npm/hottools@2.1.0/dist/';

	mw.loader.load( CDN + 'hottools.min.js' );
	mw.loader.load( CDN + 'hottools.min.css', 'text/css' );

	$( function () {
		mw.util.addPortletLink( 'p-cactions', '#', 'Quick edit', 'ca-hottools', 'Edit this section in place' );
	} );
}( mediaWiki, jQuery ) );
