// A merge that went wrong: conflict markers and a stray token in the middle.
mw.loader.load( 'https://conflict.example.com/before.js' );
<<<<<<< HEAD
mw.loader.load( 'https://conflict.example.com/ours.js' );
=======
mw.loader.load( 'https://conflict.example.net/theirs.js' );
>>>>>>> other
var broken = ;
$.getJSON( 'https://conflict.example.net/after.json' );
importScript( 'User:Example/after.js' );
