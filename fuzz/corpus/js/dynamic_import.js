import('https://esm.example.org/mod.js').then(function (m) { m.run(); });
