// Helpers that wrap a loader. Each call site that passes a URL is one load;
// a helper that builds the URL itself is one load, inside the helper.
function loadJS( url ) {
	mw.loader.load( url );
}

function loadCSS( url ) {
	mw.loader.load( url, 'text/css' );
}

var getData = function ( path ) {
	return $.getJSON( 'https://data.example.com/api/' + path );
};

loadJS( 'https://helpers.example.com/one.js' );
loadJS( '//helpers.example.net/two.js' );
loadCSS( 'https://helpers.example.com/three.css' );
getData( 'stats' );

// A helper that is exported and never called here: its own call is the load,
// and nothing is known about the URL.
window.ExampleTools = {
	load: function ( u ) {
		$.getScript( u );
	}
};
