filedesc://fixture.arc 127.0.0.1 20240301100000 text/plain 68
1 0 Fixture
URL IP-address Archive-date Content-type Archive-length

http://news.example/arc page.html 192.0.2.1 20240301100500 text/html 142
HTTP/1.0 200 OK
Content-Type: text/html

<html><head><title>Harbour reopens</title></head><body><p>The harbour reopened.</p></body></html>

