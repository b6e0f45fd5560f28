$.getScript('https://cdn.example.net/a.js').done(function () {
  jQuery.getScript('https://cdn.example.net/b.js');
});
