// jQuery ajax calls that run scripts.
$.ajax( { url: 'https://ajaxs.example.com/a.js', dataType: 'script', cache: true } );
$.ajax( {
	dataType: 'script',
	url: 'https://ajaxs.example.com/b.js'
} );
jQuery.getScript( 'https://ajaxs.example.net/c.js', function () {} );
$.when(
	$.getScript( 'https://ajaxs.example.net/d.js' ),
	$.getScript( 'https://ajaxs.example.net/e.js' ),
	$.Deferred( function ( d ) {
		$( d.resolve );
	} )
).done( function () {} );
mw.loader.getScript( 'https://ajaxs.example.org/f.js' ).then( function () {} );
$.ajax( { url: 'https://ajaxs.example.org/g.json', dataType: 'json' } );
$.ajax( { url: 'https://ajaxs.example.org/h.txt', dataType: 'text' } );
