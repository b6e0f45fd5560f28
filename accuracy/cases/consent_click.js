// Loads that wait for a user action.
$( '#load-map' ).on( 'click', function () {
	mw.loader.load( 'https://click.example.com/map.js' );
} );

$( '#load-chart' ).click( function () {
	$.getScript( 'https://click.example.com/chart.js' );
} );

document.getElementById( 'btn' ).addEventListener( 'click', function () {
	fetch( 'https://click.example.net/data.json' );
} );

var portlet = mw.util.addPortletLink( 'p-tb', '#', 'Translate', 't-translate' );
$( portlet ).on( 'click', function ( e ) {
	e.preventDefault();
	$.post( 'https://click.example.net/translate', { text: 'x' } );
} );

$( '#search-form' ).on( 'submit', function () {
	$.getJSON( 'https://click.example.org/suggest' );
} );

$( '#lang' ).on( 'change', function () {
	new Image().src = 'https://click.example.org/flag.png';
} );

$( document ).on( 'keydown', function ( e ) {
	if ( e.key === 'F2' ) {
		mw.loader.load( 'https://click.example.org/hotkey.js' );
	}
} );

function openViewer() {
	mw.loader.load( 'https://click.example.com/viewer.css', 'text/css' );
}
$( '.viewer-link' ).on( 'click', openViewer );

// Not an action: runs on page load.
mw.loader.load( 'https://click.example.com/always.js' );
