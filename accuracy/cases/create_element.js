// Elements built with the DOM API.
var s = document.createElement( 'script' );
s.src = 'https://dom.example.com/lib.js';
document.head.appendChild( s );

var link = document.createElement( 'link' );
link.rel = 'stylesheet';
link.href = 'https://dom.example.com/style.css';
document.head.appendChild( link );

var img = document.createElement( 'img' );
img.setAttribute( 'src', 'https://dom.example.net/logo.png' );
document.body.appendChild( img );

var frame = document.createElement( 'iframe' );
frame.src = 'https://embed.example.net/widget';
document.body.appendChild( frame );

var pixel = new Image();
pixel.src = 'https://dom.example.org/p.gif';

new Image().src = 'https://dom.example.org/q.gif';

var snd = document.createElement( 'audio' );
snd.src = 'https://sound.example.org/ding.ogg';

var el = document.createElement( 'script' );
el.type = 'text/javascript';
el.async = true;
el.setAttribute( 'src', '//dom.example.com/async.js' );
( document.head || document.documentElement ).appendChild( el );
