/* Any JavaScript here will be loaded for all users on every page load. */

// Site-wide helpers from this wiki.
importScript( 'MediaWiki:Common-helpers.js' );
importStylesheet( 'MediaWiki:Print.css' );

// Gadget modules the main page needs.
if ( mw.config.get( 'wgIsMainPage' ) ) {
	mw.loader.using( [ 'ext.gadget.WikiMap', 'mediawiki.util' ] );
}

// The search-suggestion widget asked for by the community (discussion of
// 2024-05); its host is reviewed and the finding is accepted here.
// offsite-ignore OS101: community-approved search widget, reviewed 2024-05
mw.loader.load( 'https://widgets.example.com/search-suggest/v2/widget.js' );

// Readers who opted in on Special:Preferences get the spelling service.
if ( localStorage.getItem( 'examplewiki-spellcheck' ) === 'on' ) {
	$.post( 'https://spell.example.com/check', { lang: mw.config.get( 'wgContentLanguage' ) } );
}

// Other scripts call this; nothing on this page does, so whether the reader
// asked for it cannot be told from here.
window.ExampleWiki = window.ExampleWiki || {};
window.ExampleWiki.loadCitationTool = function () {
	mw.loader.load( 'https://citations.example.org/tool.js' );
};

// The consent helper named in offsite.toml (consent-functions).
window.ExampleWiki.hasConsent = function ( service ) {
	return mw.user.options.get( 'userjs-consent-' + service ) === '1';
};

if ( window.ExampleWiki.hasConsent( 'weather' ) ) {
	$.getJSON( 'https://weather.example.org/api/today?callback=?' );
}

// A link shown to the reader: navigation, not a load.
$( '#footer-places' ).append( '<li><a href="https://donate.example.org/">Support the wiki</a></li>' );
