// Bob's tool: a diff viewer with syntax colouring.
( function ( mw, $ ) {
	var VERSION = '11.9.0';
	var base = 'https://unpkg.com/highlight.js@' + VERSION;

	$( '<link>' ).attr( { rel: 'stylesheet', href: base + '/styles/github.min.css' } ).appendTo( 'head' );
	mw.loader.getScript( base + '/highlight.min.js' ).then( function () {
		$( 'pre' ).each( function () {
			window.hljs.highlightElement( this );
		} );
	} );

	// Avatar of the last editor from a third-party image service.
	$( '#mw-revision-info' ).prepend( '<img class="bob-avatar" src="https://avatars.example.com/u/' + mw.config.get( 'wgUserName' ) + '.png">' );
}( mediaWiki, jQuery ) );
