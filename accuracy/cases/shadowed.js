// Names that look like loaders but are local: none of these is a load.
( function () {
	var cache = {};
	function fetch( key ) {
		return cache[ key ];
	}
	fetch( 'https://not-a-load.example.com/a.json' );
}() );

( function () {
	var $ = window.miniQuery;
	$.getScript( 'https://not-a-load.example.com/b.js' );
	$.ajax( { url: 'https://not-a-load.example.com/c.json' } );
}() );

( function () {
	var mw = { loader: { load: function () {} } };
	mw.loader.load( 'https://not-a-load.example.com/d.js' );
}() );

function demo( importScript ) {
	importScript( 'https://not-a-load.example.com/e.js' );
}

( function () {
	function Image() {
		this.src = '';
	}
	var img = new Image();
	img.src = 'https://not-a-load.example.com/f.png';
}() );

( function () {
	class WebSocket {
		constructor( url ) {
			this.url = url;
		}
	}
	return new WebSocket( 'wss://not-a-load.example.com/g' );
}() );

// The real global, after all the local ones: this one counts.
window.fetch( 'https://real.example.com/h.json' );
