// Loaders reached through aliases.
var load = mw.loader.load;
var loader = mw.loader;
var getScript = $.getScript;
var util = mediaWiki.loader;

load( 'https://alias.example.com/one.js' );
loader.load( 'https://alias.example.com/two.js' );
getScript( 'https://alias.example.com/three.js' );
util.load( 'https://alias.example.com/four.css', 'text/css' );

var jq = jQuery;
jq.getScript( 'https://alias.example.net/five.js' );

var M = mw;
M.loader.load( 'https://alias.example.net/six.js' );

var myFetch = window.fetch.bind( window );
myFetch( 'https://api.example.net/data.json' );

const { getJSON } = $;
getJSON( 'https://api.example.net/list.json' );
