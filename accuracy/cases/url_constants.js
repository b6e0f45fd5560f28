// URLs assembled from pieces.
var CDN = 'https://assets.example.com';
var VERSION = '2.1.0';
var LIB = CDN + '/lib/' + VERSION + '/';

mw.loader.load( LIB + 'core.js' );
mw.loader.load( CDN + '/lib/' + VERSION + '/theme.css', 'text/css' );

var config = {
	api: 'https://api.example.org/v1',
	images: { host: 'img.example.org' }
};
$.getJSON( config.api + '/items' );
new Image().src = 'https://' + config.images.host + '/t.gif';

var parts = [ 'https:', '', 'joined.example.net', 'x.js' ];
mw.loader.load( parts.join( '/' ) );

var host = 'tpl.example.net';
mw.loader.load( `https://${ host }/v${ VERSION }/tpl.js` );

var q = mw.config.get( 'wgPageName' );
fetch( 'https://search.example.net/q?title=' + encodeURIComponent( q ) + '&limit=5' );

$.get( mw.config.get( 'wgServer' ) + mw.config.get( 'wgScriptPath' ) + '/api.php?action=parse&format=json' );
$.get( mw.util.wikiScript( 'api' ) + '?action=query&format=json' );

const BASE = 'https://const.example.org/';
const FILES = { main: 'main.js' };
mw.loader.load( BASE + FILES.main );

var proto = location.protocol;
mw.loader.load( proto + '//proto.example.org/p.js' );

mw.loader.load( [ 'https://arr.example.com', 'lib', 'a.js' ].join( '/' ) );
mw.loader.load( 'https://concat.example.com/'.concat( 'b.js' ) );
