// mw.loader.load('https://commented.example.org/x.js');
var re = /https?:\/\/[^/]+\//g; /* fetch('x') */
var s = "mw.loader.load('y')";
