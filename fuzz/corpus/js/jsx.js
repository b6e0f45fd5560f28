const el = <script src="https://jsx.example.org/a.js" />;
