// Markup handed to the DOM as strings.
var box = document.getElementById( 'box' );
box.innerHTML = '<img src="https://markup.example.com/a.png" alt="">';
box.insertAdjacentHTML( 'beforeend', '<iframe src="https://markup.example.com/frame"></iframe>' );

$( '#content' ).append( '<img src="https://markup.example.net/b.png">' );
$( '#content' ).html( '<video src="https://markup.example.net/c.mp4" controls></video>' );
$( '#content' ).prepend( '<link rel="stylesheet" href="https://markup.example.net/d.css">' );

// jQuery runs scripts in markup it inserts: a load.
$( '#content' ).append( '<script src="https://markup.example.org/e.js"></script>' );

// The DOM does not run scripts inserted through innerHTML: no load.
box.innerHTML = '<script src="https://markup.example.org/inert.js"></script>';

document.write( '<script src="https://markup.example.org/f.js"></script>' );

var html = '<div class="card">' +
	'<img src="https://markup.example.com/g.png">' +
	'</div>';
$( 'body' ).append( html );

// Markup with only a link: no load.
$( '#footer' ).append( '<a href="https://markup.example.com/about">About</a>' );
