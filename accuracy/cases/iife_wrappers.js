// Wrappers that rename the globals.
( function ( $, mw ) {
	mw.loader.load( 'https://iife.example.com/a.js' );
	$.getScript( 'https://iife.example.com/b.js' );
}( jQuery, mediaWiki ) );

( function ( mw, $ ) {
	mw.loader.load( 'https://iife.example.com/c.css', 'text/css' );
} )( mediaWiki, jQuery );

( function ( m, jq, win ) {
	m.loader.load( 'https://iife.example.net/d.js' );
	jq.ajax( { url: 'https://iife.example.net/e.json' } );
	win.fetch( 'https://iife.example.net/f.json' );
}( mw, $, window ) );

!function ( $ ) {
	$.getScript( 'https://iife.example.org/g.js' );
}( window.jQuery );

( () => {
	window.mw.loader.load( 'https://iife.example.org/h.js' );
} )();

// A wrapper whose `$` is NOT jQuery: a selector helper from another library.
( function ( $ ) {
	$.getScript( 'https://notjquery.example.org/i.js' );
}( window.tinySelector ) );
