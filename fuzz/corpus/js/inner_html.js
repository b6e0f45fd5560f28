document.getElementById('x').innerHTML = '<iframe src="https://embed.example.com/v/1"></iframe>';
