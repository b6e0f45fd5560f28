/* All JavaScript here will be loaded for users of the Vector skin */
$( function () {
	var s = document.createElement( 'script' );
	s.src = 'https://stats.example.com/counter.js?site=testwiki';
	s.async = true;
	document.head.appendChild( s );
} );
