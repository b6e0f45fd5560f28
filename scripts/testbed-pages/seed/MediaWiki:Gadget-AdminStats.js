/**
 * AdminStats: default for users with the delete and block rights only.
 * Draws a chart of the deletion log with a charting library from a CDN.
 */
$( function () {
	if ( mw.config.get( 'wgCanonicalSpecialPageName' ) !== 'Log' ) {
		return;
	}
	$.getScript( 'https://charts.example.net/chart.umd.min.js' ).then( function () {
		var canvas = document.createElement( 'canvas' );
		document.getElementById( 'mw-content-text' ).appendChild( canvas );
	} );
} );
