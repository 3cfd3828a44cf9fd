module godiff/prog

go 1.22
