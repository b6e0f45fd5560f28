(function (mw, $) {
  'use strict';
  var BASE = 'https://tools.example.org/';
  var SCRIPT = mw.config.get('wgScript');
  mw.loader.load(BASE + 'x.js');
  mw.loader.load(SCRIPT + '?title=MediaWiki:Gadget-X.js&action=raw&ctype=text/javascript');
}(mediaWiki, jQuery));
