(function ($) {
  function broken( {
    var s = 'unterminated;
  }
  mw.loader.load('https://x.example.org/a.js');
}(jQuery));
