// A gadget saved half-way through an edit: the last function never closes.
mw.loader.load( 'https://broken.example.com/first.js' );
$.getScript( 'https://broken.example.com/second.js' );

$( function () {
	fetch( 'https://broken.example.net/inside.json' );
	if ( mw.config.get( 'wgNamespaceNumber' ) === 0 ) {
		mw.loader.load( 'https://broken.example.net/ns0.css', 'text/css' );
	
	new Image().src = 'https://broken.example.org/pixel.gif';
