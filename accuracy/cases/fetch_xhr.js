// Data requests.
fetch( 'https://data.example.com/a.json' );
fetch( new Request( 'https://data.example.com/b.json' ) );
window.fetch( 'https://data.example.com/c.json', { method: 'POST', body: '{}' } );
fetch( '/w/api.php?action=query&format=json' );

var xhr = new XMLHttpRequest();
xhr.open( 'GET', 'https://data.example.net/d.json' );
xhr.send();

var req = new XMLHttpRequest();
var method = 'POST';
req.open( method, 'https://data.example.net/e', true );
req.send( 'x=1' );

$.get( 'https://data.example.org/f.json' );
$.post( 'https://data.example.org/g', { a: 1 } );
$.getJSON( 'https://data.example.org/h.json' );
$.ajax( {
	url: 'https://data.example.org/i.json',
	type: 'GET'
} );
$.ajax( 'https://data.example.org/j.json', { dataType: 'json' } );
jQuery.ajax( { type: 'POST', url: 'https://data.example.com/k' } );

new mw.Api().get( { action: 'query', meta: 'siteinfo' } );
new mw.ForeignApi( 'https://commons.wikimedia.org/w/api.php' ).get( { action: 'query' } );
new mw.ForeignApi( 'https://wiki.example.org/w/api.php' ).get( { action: 'query' } );

async function load() {
	const res = await fetch( 'https://data.example.com/async.json' );
	return res.json();
}
load();
