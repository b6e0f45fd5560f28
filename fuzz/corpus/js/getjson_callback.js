$.getJSON('https://api.example.org/q?format=json&callback=?', function (d) { console.log(d); });
