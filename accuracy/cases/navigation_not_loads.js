// URLs that are shown, linked or navigated to: none of them is a load.
// See https://docs.example.com/howto for the manual.
/* Old version: mw.loader.load( 'https://old.example.com/x.js' ); */
var messages = {
	help: 'Read the guide at https://guide.example.com/start',
	credit: 'Icons from https://icons.example.com/'
};
mw.messages.set( 'mytool-help', 'See <a href="https://help.example.com/">the help</a>.' );

$( '#content' ).append( '<a href="https://link.example.com/page">More</a>' );
$( '<a>' ).attr( 'href', 'https://link.example.com/other' ).text( 'Other' ).appendTo( '#content' );
var a = document.createElement( 'a' );
a.href = 'https://link.example.com/third';
document.body.appendChild( a );

mw.util.addPortletLink( 'p-tb', 'https://portlet.example.com/', 'Portlet link', 't-ext' );

$( '#go' ).on( 'click', function () {
	window.open( 'https://popup.example.com/' );
	location.href = 'https://nav.example.com/';
	window.location.assign( 'https://nav.example.com/assign' );
	document.location = 'https://nav.example.com/doc';
} );

var doc = { title: 'x', url: 'https://data-only.example.com/thing.js' };
console.log( doc.url );

// One real load, so the file is not empty of them.
mw.loader.load( 'https://real.example.org/tool.js' );
