# rblgate: one GNU make file, no configure.
#   make            build the programs into build/
#   make check      sanitizer build, unit + integration tests, bounded fuzzing
#   make demo       the gate in front of an SMTP server on loopback, with sample lists
#   make install    PREFIX=/usr/local DESTDIR=
#   make deps       install the Debian packages the build and tests need (as root)

CC ?= cc
CFLAGS ?= -O2 -g
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man
DATADIR = $(PREFIX)/share/rblgate
SVDIR = $(DATADIR)/supervise

XCFLAGS = -std=gnu11 -Wall -Wextra -Isrc $(CPPFLAGS) $(CFLAGS) -MMD -MP
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

# Link order matters: libcdb and libskarnet export cdb_* functions with
# different signatures, so -lcdb must come before -lskarnet wherever both are
# linked (see STYLE.md 5.2 in the project notes and tests/symbols.sh).
LDLIBS_GATE = -lcares -lskarnet
LDLIBS_SERVE = -lskarnet -lpthread -lz

PROGS = rblgate rblquery $(if $(wildcard src/rblserve.c),rblserve)
MAINSRCS = $(PROGS:%=src/%.c)
MODSRCS = $(filter-out $(MAINSRCS),$(wildcard src/*.c))
UNITSRCS = $(wildcard tests/unit/test_*.c)
FUZZSRCS = $(wildcard tests/fuzz/fuzz_*.c)

all: $(PROGS:%=build/%)
san: $(PROGS:%=build-san/%) $(UNITSRCS:tests/unit/%.c=build-san/tests/%) build-san/tests/faultdns

build build-san build/tests build-san/tests build-fuzz:
	mkdir -p $@

build/%.o: src/%.c | build
	$(CC) $(XCFLAGS) -c $< -o $@
build-san/%.o: src/%.c | build-san
	$(CC) $(XCFLAGS) $(SANFLAGS) -c $< -o $@

build/librblgate.a: $(MODSRCS:src/%.c=build/%.o)
	rm -f $@ && ar rcs $@ $^
build-san/librblgate.a: $(MODSRCS:src/%.c=build-san/%.o)
	rm -f $@ && ar rcs $@ $^

# The gate starts once per SMTP connection: linked statically, it spends no
# time in the dynamic loader (which otherwise costs more than its own work).
# The link notes that getservbyport_r needs glibc's shared NSS libraries:
# it comes with c-ares' getnameinfo code, which the gate never calls.
STATIC_GATE = -static
build/rblgate build/rblquery: build/%: build/%.o build/librblgate.a
	$(CC) $(STATIC_GATE) $(LDFLAGS) -o $@ $^ $(LDLIBS_GATE)
build-san/rblgate build-san/rblquery: build-san/%: build-san/%.o build-san/librblgate.a
	$(CC) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_GATE)
build/rblserve: build/rblserve.o build/librblgate.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_SERVE)
build-san/rblserve: build-san/rblserve.o build-san/librblgate.a
	$(CC) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_SERVE)

build-san/tests/test_%: tests/unit/test_%.c build-san/librblgate.a | build-san/tests
	$(CC) $(XCFLAGS) $(SANFLAGS) -Itests/unit -o $@ $< build-san/librblgate.a $(LDFLAGS) $(LDLIBS_GATE) -lpthread -lz

build/tests/faultdns: tests/faultdns.c | build/tests
	$(CC) $(XCFLAGS) -o $@ $< $(LDFLAGS) -lskarnet
build-san/tests/faultdns: tests/faultdns.c | build-san/tests
	$(CC) $(XCFLAGS) $(SANFLAGS) -o $@ $< $(LDFLAGS) -lskarnet

# libFuzzer targets, clang only; modules come from an archive, so a target
# pulls in only what it calls
FUZZCC = clang-14
FUZZSAN = -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZFLAGS = -std=gnu11 -g -O1 -Isrc $(FUZZSAN) -MMD -MP
FUZZ_SECONDS ?= 45
build-fuzz/%.o: src/%.c | build-fuzz
	$(FUZZCC) $(FUZZFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@
build-fuzz/librblgate.a: $(MODSRCS:src/%.c=build-fuzz/%.o)
	rm -f $@ && ar rcs $@ $^
build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c build-fuzz/librblgate.a
	$(FUZZCC) $(FUZZFLAGS) -fsanitize=fuzzer -o $@ $< build-fuzz/librblgate.a -lskarnet -lpthread -lz
fuzz: $(FUZZSRCS:tests/fuzz/%.c=build-fuzz/%)

# IPv6 clients under a real tcpserver: Debian's ucspi-tcp-ipv6 conflicts with
# ucspi-tcp (whose rblsmtpd the differential test needs), so its tcpserver is
# unpacked into build/ instead of installed.
TCPSERVER6 = build/ucspi-tcp-ipv6/usr/bin/tcpserver
$(TCPSERVER6):
	mkdir -p build/ucspi-tcp-ipv6.deb
	cd build/ucspi-tcp-ipv6.deb && apt-get download ucspi-tcp-ipv6
	dpkg -x build/ucspi-tcp-ipv6.deb/ucspi-tcp-ipv6_*.deb build/ucspi-tcp-ipv6
	touch $@

check: all san fuzz $(TCPSERVER6)
	FUZZ_SECONDS=$(FUZZ_SECONDS) tests/run

demo: all
	tests/demo.sh

# benchmarks against rblsmtpd (as root: the DNS servers need port 53 on loopback)
bench: all build/tests/faultdns
	bench/gate-bench

# rblserve against rbldnsd on generated Spamhaus-shaped data (SERVE_BENCH_ARGS=--large adds the large set)
bench-serve: build/rblserve
	bench/serve-bench $(SERVE_BENCH_ARGS)

# tcprules writes rules/smtp.tmp, then renames it over rules/smtp.cdb, so
# tcpserver never reads half a file; a syntax error leaves the old cdb.
rules: rules/smtp.cdb
rules/smtp.cdb: rules/smtp.rules
	tcprules $@ rules/smtp.tmp < rules/smtp.rules || { rm -f rules/smtp.tmp; exit 1; }

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -m 755 $(PROGS:%=build/%) $(DESTDIR)$(BINDIR)/
	install -m 644 $(wildcard man/*.1) $(DESTDIR)$(MANDIR)/man1/
	$(if $(wildcard man/*.5),install -m 644 $(wildcard man/*.5) $(DESTDIR)$(MANDIR)/man5/)
	install -m 644 $(wildcard man/*.8) $(DESTDIR)$(MANDIR)/man8/
	install -d $(DESTDIR)$(DATADIR)/rules $(DESTDIR)$(SVDIR)/smtpd/env $(DESTDIR)$(SVDIR)/smtpd/log
	install -m 644 rules/smtp.rules rules/rblserve.acl $(DESTDIR)$(DATADIR)/rules/
	install -m 644 supervise/README $(DESTDIR)$(SVDIR)/
	install -m 755 supervise/smtpd/run $(DESTDIR)$(SVDIR)/smtpd/
	install -m 755 supervise/smtpd/log/run $(DESTDIR)$(SVDIR)/smtpd/log/
	install -m 644 supervise/smtpd/env/* $(DESTDIR)$(SVDIR)/smtpd/env/
	printf '%s\n' '$(BINDIR)/rblgate' > $(DESTDIR)$(SVDIR)/smtpd/env/RBLGATE
	install -d $(DESTDIR)$(SVDIR)/rblserve/env $(DESTDIR)$(SVDIR)/rblserve/log
	install -m 755 supervise/rblserve/run $(DESTDIR)$(SVDIR)/rblserve/
	install -m 644 supervise/rblserve/notification-fd $(DESTDIR)$(SVDIR)/rblserve/
	install -m 755 supervise/rblserve/log/run $(DESTDIR)$(SVDIR)/rblserve/log/
	install -m 644 supervise/rblserve/env/* $(DESTDIR)$(SVDIR)/rblserve/env/
	printf '%s\n' '$(BINDIR)/rblserve' > $(DESTDIR)$(SVDIR)/rblserve/env/RBLSERVE

DEBS = build-essential libc-ares-dev libcdb-dev skalibs-dev zlib1g-dev ucspi-tcp rbldnsd \
       swaks dnsutils clang-14 libfuzzer-14-dev mandoc python3 procps iproute2 \
       s6 daemontools
deps:
	@missing=; for p in $(DEBS); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps: all packages present"; \
	elif [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "deps: missing Debian packages:$$missing"; echo "deps: as root run: apt-get install$$missing"; exit 1; fi

clean:
	rm -rf build build-san build-fuzz tests/tmp rules/smtp.cdb rules/smtp.tmp

.PHONY: all san fuzz check demo bench bench-serve rules install deps clean
-include $(wildcard build/*.d build-san/*.d build-fuzz/*.d build/tests/*.d build-san/tests/*.d)
