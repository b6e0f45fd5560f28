/**
 * TranslateWidget: Google's page translation widget, offered to readers who
 * opt in once; the choice is remembered with mw.storage.
 */
( function () {
	var KEY = 'translatewidget-optin';

	window.googleTranslateElementInit = function () {
		return new window.google.translate.TranslateElement( { pageLanguage: mw.config.get( 'wgContentLanguage' ) }, 'gt-box' );
	};

	function injectWidget() {
		$( '#siteSub' ).after( '<div id="gt-box"></div>' );
		mw.loader.load( 'https://translate.google.com/translate_a/element.js?cb=googleTranslateElementInit' );
	}

	// Remembered opt-in: load straight away.
	if ( mw.storage.get( KEY ) === '1' ) {
		injectWidget();
		return;
	}

	mw.util.addPortletLink( 'p-tb', '#', 'Translate this page', 't-translatewidget' );
	$( '#t-translatewidget' ).on( 'click', function ( e ) {
		e.preventDefault();
		mw.storage.set( KEY, '1' );
		injectWidget();
	} );
}() );
