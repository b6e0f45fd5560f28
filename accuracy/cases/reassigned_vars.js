// Values that move through variables and small functions.
function cdn( path ) {
	return 'https://fn.example.com/' + path;
}
mw.loader.load( cdn( 'a.js' ) );

var url;
url = 'https://assign.example.com/b.js';
mw.loader.load( url );

var target = 'https://first.example.net/c.js';
if ( mw.config.get( 'wgUserLanguage' ) === 'de' ) {
	target = 'https://first.example.net/c-de.js';
}
mw.loader.load( target );

let endpoint = 'https://let.example.org/api';
endpoint += '/v2';
fetch( endpoint );

var urls = { js: 'https://obj.example.org/d.js' };
var pick = 'js';
mw.loader.load( urls[ pick ] );

var remote = mw.config.get( 'wgExampleRemote' );
mw.loader.load( remote );
