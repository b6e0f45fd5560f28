// Fonts and styles added from JavaScript.
var face = new FontFace( 'Remote Serif', 'url(https://fontjs.example.com/serif.woff2)' );
face.load().then( function ( f ) {
	document.fonts.add( f );
} );

mw.util.addCSS( '@import url("https://fontjs.example.net/extra.css");' );
mw.util.addCSS( '.x { background: url(https://fontjs.example.net/x.png); }' );
mw.util.addCSS( '@font-face { font-family: A; src: url(https://fontjs.example.org/a.woff2); }' );

var style = document.createElement( 'style' );
style.textContent = '.y { background-image: url("https://fontjs.example.org/y.png"); }';
document.head.appendChild( style );

// Plain text that happens to look like CSS: not a load.
mw.notify( 'Use url(https://fontjs.example.com/howto) in your CSS' );
