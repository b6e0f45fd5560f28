/*
 * Disabled loads, kept for reference:
 *   mw.loader.load( 'https://dead.example.com/a.js' );
 *   $.getScript( 'https://dead.example.com/b.js' );
 */
// fetch( 'https://dead.example.com/c.json' );

var codeSample = "mw.loader.load( 'https://string.example.com/d.js' );";
var doc = 'Call $.getScript("https://string.example.com/e.js") to load it.';
mw.notify( 'Loaded from https://string.example.com/' );

/* eslint-disable */
var template = '<pre>fetch("https://string.example.com/f.json")</pre>';
$( '#doc' ).text( template );

mw.loader.load( 'https://live.example.com/still-here.js' );
