// Audio and video.
var ding = new Audio( 'https://audio.example.com/ding.mp3' );

$( '.play-pronunciation' ).on( 'click', function () {
	new Audio( 'https://upload.wikimedia.org/wikipedia/commons/' + $( this ).data( 'file' ) ).play();
} );

var video = document.createElement( 'video' );
video.src = 'https://video.example.net/intro.webm';
video.poster = 'https://video.example.net/intro.jpg';
document.body.appendChild( video );

var source = document.createElement( 'source' );
source.setAttribute( 'src', 'https://video.example.org/alt.mp4' );
video.appendChild( source );

$( '<audio>', { src: 'https://audio.example.org/theme.ogg', autoplay: true } ).appendTo( 'body' );

ding.volume = 0.5;
