// JSONP: data delivered as script.
$.ajax( {
	url: 'https://jsonp.example.com/api',
	dataType: 'jsonp',
	data: { q: 'x' }
} );

$.getJSON( 'https://jsonp.example.com/search?q=x&callback=?' );

$.getJSON( 'https://jsonp.example.net/items?format=json&jsoncallback=?', function ( d ) {
	return d;
} );

$.ajax( {
	url: 'https://jsonp.example.net/v2/lookup',
	jsonp: 'cb',
	dataType: 'jsonp'
} );

var JSONP_API = 'https://jsonp.example.org/api.php';
$.ajax( { url: JSONP_API + '?action=query&format=json', dataType: 'jsonp' } );

// A plain JSON request: not JSONP.
$.getJSON( 'https://jsonp.example.org/plain.json' );

// A script loader with a callback parameter is a script load.
$.getScript( 'https://jsonp.example.org/feed?callback=handleFeed' );
