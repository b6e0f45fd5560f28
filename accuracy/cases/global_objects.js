// The same globals, reached other ways.
self.fetch( 'https://glob.example.com/a.json' );
globalThis.fetch( 'https://glob.example.com/b.json' );
window[ 'fetch' ]( 'https://glob.example.com/c.json' );
mw[ 'loader' ][ 'load' ]( 'https://glob.example.net/d.js' );
window.jQuery.getScript( 'https://glob.example.net/e.js' );
window.mediaWiki.loader.load( 'https://glob.example.net/f.css', 'text/css' );
new window.Image().src = 'https://glob.example.org/g.gif';
window.navigator.sendBeacon( 'https://glob.example.org/h' );
new window.EventSource( 'https://glob.example.org/i' );
