// ES module loads.
import( 'https://esm.example.com/pkg@1/index.js' ).then( function ( m ) {
	m.init();
} );

async function boot() {
	const lib = await import( 'https://esm.example.net/lib.mjs' );
	return lib;
}
boot();

var moduleScript = document.createElement( 'script' );
moduleScript.type = 'module';
moduleScript.src = 'https://esm.example.org/app.js';
document.head.appendChild( moduleScript );

// A specifier that is not a URL is resolved against the page: same wiki.
import( '/w/index.php?title=MediaWiki:Gadget-esm.js&action=raw&ctype=text/javascript' );
