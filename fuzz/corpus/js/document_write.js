document.write('<script src="https://old.example.com/s.js"><\/script>');
