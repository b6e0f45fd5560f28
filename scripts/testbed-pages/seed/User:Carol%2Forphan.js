// Nobody imports this script.
$( '<script>' ).attr( 'src', 'https://unused.example.org/widget.js' ).appendTo( 'head' );
