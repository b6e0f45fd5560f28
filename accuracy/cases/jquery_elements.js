// Elements built with jQuery.
$( '<script>' ).attr( 'src', 'https://jq.example.com/a.js' ).appendTo( 'head' );
$( '<img>' ).attr( 'src', 'https://jq.example.com/b.png' ).appendTo( '#content' );
$( '<img>', { src: 'https://jq.example.net/c.png', alt: '' } ).appendTo( 'body' );
$( '<img src="https://jq.example.net/d.png" alt="">' ).appendTo( 'body' );
$( '<iframe>' ).attr( { src: 'https://jq.example.org/e', width: 300 } ).appendTo( 'body' );
$( '<link>', { rel: 'stylesheet', href: 'https://jq.example.org/f.css' } ).appendTo( 'head' );
$( '<img>' ).prop( 'src', 'https://jq.example.org/g.png' ).appendTo( 'body' );
jQuery( '<video>' ).attr( 'src', 'https://jq.example.com/h.webm' ).appendTo( 'body' );

// An image whose URL comes from the page: dynamic, host unknown.
$( '.thumb' ).each( function () {
	$( '<img>' ).attr( 'src', $( this ).data( 'full' ) ).appendTo( this );
} );

// A link element that is not a stylesheet: a link for people.
$( '<a>' ).attr( 'href', 'https://jq.example.com/read' ).appendTo( 'body' );
