/* Plain mw.loader.load calls in every shape a URL can take. */
mw.loader.load( 'https://cdn.example.com/lib/widget.js' );
mw.loader.load( '//cdn.example.com/lib/widget.css', 'text/css' );
mw.loader.load( '/w/index.php?title=MediaWiki:Gadget-local.js&action=raw&ctype=text/javascript' );
mw.loader.load( 'ext.gadget.Navigation' );
mw.loader.load( [ 'mediawiki.util', 'ext.gadget.Clock' ] );
mw.loader.load( 'http://insecure.example.net/old.js', 'text/javascript' );
mw.loader.load(
	'https://meta.wikimedia.org/w/index.php?title=User:Example/shared.js&action=raw&ctype=text/javascript'
);
mediaWiki.loader.load( 'https://CDN.Example.org/Upper/Case.js' );
window.mw.loader.load( 'https://static.example.org/app.css', 'text/css' );
