filedesc://fixture.arc 127.0.0.1 20240301100000 text/plain 68
1 0 Fixture
URL IP-address Archive-date Content-type Archive-length

http://news.example/a 192.0.2.1 20240301100500 text/html xyz
HTTP/1.0 200 OK
Content-Type: text/html

<html><head><title>Harbour reopens</title></head><body><p>The harbour reopened.</p></body></html>

http://news.example/b 192.0.2.1 20240301100600 text/html 142
HTTP/1.0 200 OK
Content-Type: text/html

<html><head><title>Harbour reopens</title></head><body><p>The harbour reopened.</p></body></html>

