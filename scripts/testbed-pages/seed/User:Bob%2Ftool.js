// Bob's tool: imported by Alice and by Carol's library.
importScript( 'User:Carol/lib.js' );

$.getScript( 'https://third.example.net/lib.js' );
fetch( 'https://api.example.com/data' ).then( function ( r ) {
	return r.json();
} );
