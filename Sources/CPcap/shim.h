// libpcap (Debian libpcap-dev) for the PacketCapture adapter: offline pcap/pcapng reading, live
// capture, BPF filters and capture statistics.
#include <pcap/pcap.h>
