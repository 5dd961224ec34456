#include "probe/app.hpp"

int main(int argc, char** argv) {
    return smtp_probe::run_app(argc, argv);
}
