/**
 * ToolHelper: live edit counters and reports from tools hosted on
 * Wikimedia Cloud Services (Toolforge).
 */
mw.loader.using( [ 'mediawiki.util', 'mediawiki.api' ] ).then( function () {
	var TOOL = 'https://edit-counter.toolforge.org';
	var user = mw.config.get( 'wgRelevantUserName' );

	// Chart library from the cdnjs mirror on Toolforge's static host.
	mw.loader.load( 'https://tools-static.wmflabs.org/cdnjs/ajax/libs/Chart.js/4.4.1/chart.umd.min.js' );

	if ( user ) {
		fetch( TOOL + '/api/count/' + encodeURIComponent( user ) )
			.then( function ( r ) {
				return r.json();
			} )
			.then( function ( data ) {
				$( '#contentSub' ).append( ' · ' + data.count + ' edits' );
			} );
	}

	// Recent changes, live: Wikimedia's EventStreams service (production).
	var stream = new EventSource( 'https://stream.wikimedia.org/v2/stream/recentchange' );
	stream.onmessage = function () {};

	// Collaboration status over a socket to the same tool.
	var socket = new WebSocket( 'wss://edit-counter.toolforge.org/live' );
	socket.onmessage = function () {};
} );
