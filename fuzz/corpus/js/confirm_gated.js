if (confirm('Load the external map?')) {
  mw.loader.load('https://maps.example.com/embed.js');
}
