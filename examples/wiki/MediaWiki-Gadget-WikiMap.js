/**
 * WikiMap: shows an interactive map for articles that have coordinates.
 * On by default (see Gadgets-definition.wiki), so everything it loads
 * without asking reaches every reader.
 */
( function ( $, mw ) {
	'use strict';

	var LEAFLET = 'https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/';
	var TILES = 'https://tile.example.org/{z}/{x}/{y}.png';

	function showStaticPreview( $box, lat, lon ) {
		// A static picture first: cheap, and still a third-party request.
		$( '<img>' ).attr( 'src', 'https://staticmap.example.org/render?center=' + lat + ',' + lon ).appendTo( $box );
	}

	function showMap( $box, lat, lon ) {
		var map = window.L.map( $box[ 0 ] ).setView( [ lat, lon ], 13 );
		window.L.tileLayer( TILES, { maxZoom: 18 } ).addTo( map );
	}

	mw.hook( 'wikipage.content' ).add( function ( $content ) {
		var coords = mw.config.get( 'wgCoordinates' );
		var $box;
		if ( !coords ) {
			return;
		}
		$box = $( '<div>' ).addClass( 'wikimap-box' ).prependTo( $content );
		showStaticPreview( $box, coords.lat, coords.lon );

		// Leaflet from a public CDN: executable code from a third party, for everyone.
		mw.loader.load( LEAFLET + 'leaflet.css', 'text/css' );
		$.getScript( LEAFLET + 'leaflet.js' ).then( function () {
			showMap( $box, coords.lat, coords.lon );
		} );

		mw.util.addPortletLink( 'p-tb', '#', 'Open the big map', 't-wikimap' );
		$( '#t-wikimap' ).on( 'click', function ( e ) {
			e.preventDefault();
			$( '<iframe>' )
				.attr( 'src', 'https://maps.example.org/embed?lat=' + coords.lat + '&lon=' + coords.lon )
				.appendTo( $box );
		} );
	} );
}( jQuery, mediaWiki ) );
