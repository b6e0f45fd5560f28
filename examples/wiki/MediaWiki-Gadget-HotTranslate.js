/**
 * HotTranslate: adds a "Translate selection" link to the tools menu.
 * Nothing leaves the wiki until the reader clicks it.
 */
$( function () {
	var ENDPOINT = 'https://translate.example.com/v2/translate';

	function translate( text ) {
		return $.ajax( {
			url: ENDPOINT,
			type: 'POST',
			data: { q: text, target: mw.config.get( 'wgUserLanguage' ) }
		} );
	}

	var link = mw.util.addPortletLink( 'p-tb', '#', 'Translate selection', 't-hottranslate' );
	$( link ).on( 'click', function ( e ) {
		var text = String( window.getSelection() );
		e.preventDefault();
		translate( text ).done( function ( result ) {
			mw.notify( result.translatedText );
		} );
	} );

	// The same service is offered for whole pages, behind a confirmation.
	mw.util.addPortletLink( 'p-tb', '#', 'Translate page', 't-hottranslate-page' );
	$( '#t-hottranslate-page' ).on( 'click', function ( e ) {
		e.preventDefault();
		OO.ui.confirm( 'This sends the page text to translate.example.com. Continue?' ).done( function ( confirmed ) {
			if ( confirmed ) {
				fetch( 'https://translate.example.com/v2/page?title=' + encodeURIComponent( mw.config.get( 'wgPageName' ) ) );
			}
		} );
	} );
} );
