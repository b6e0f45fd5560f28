// One load expression inside a loop is one load (see README).
var BASE = 'https://loop.example.com/plugins/';
[ 'a.js', 'b.js', 'c.js' ].forEach( function ( f ) {
	mw.loader.load( BASE + f );
} );

var styles = [ 'https://loop.example.net/x.css', 'https://loop.example.net/y.css' ];
for ( var i = 0; i < styles.length; i++ ) {
	mw.loader.load( styles[ i ], 'text/css' );
}

$.each( { one: 1, two: 2 }, function ( name ) {
	fetch( 'https://loop.example.org/' + name + '.json' );
} );

// A URL that comes from the page itself: host unknown.
$( 'a.preview' ).each( function () {
	fetch( this.href );
} );
