// Form targets and resource hints built in script.
var form = document.createElement( 'form' );
form.action = 'https://forms.example.com/submit';
form.method = 'post';
document.body.appendChild( form );

$( '<form>' ).attr( 'action', 'https://forms.example.net/search' ).appendTo( '#content' );
$( '#content' ).append( '<form action="https://forms.example.org/poll" method="post"><button>Vote</button></form>' );

var hint = document.createElement( 'link' );
hint.rel = 'preload';
hint.as = 'script';
hint.href = 'https://hints.example.com/next.js';
document.head.appendChild( hint );

$( '<link>', { rel: 'prefetch', href: 'https://hints.example.net/page2.html' } ).appendTo( 'head' );
$( 'head' ).append( '<link rel="preload" href="https://hints.example.org/font.woff2" as="font" crossorigin>' );
